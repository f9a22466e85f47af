"""One module per `tinyc` subcommand, each exporting `command`."""
