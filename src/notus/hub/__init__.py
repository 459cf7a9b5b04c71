"""Everything notus does with the Hugging Face Hub: one bounded HTTP client (`client`), the private
library names it needs (`private`), and the `hf://` source scheme (`source`). `notus publish` and the
decontamination benchmark sets use the client; the scheme plugs into the engine through an entry point."""
