"""The engine: pipeline spec -> DAG of steps -> versioned Parquet store. It knows nothing of UltraFeedback."""
