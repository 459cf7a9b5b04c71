"""What every ingest step needs, whatever the dataset: input files cut into numbered record texts
(`records`), one open Parquet writer per output table (`writers`), and the checks on what came out
(`outcome`). A dataset's own parsing rules live in its plugin (e.g. `notus.ultrafeedback.ingest`)."""
