"""notus: declarative, versioned curation of LLM preference data into DPO training sets."""

__version__ = "0.1.0"
