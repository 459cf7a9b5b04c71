"""An example notus plugin (see README.md beside this package): length-bias control for preference pairs."""
