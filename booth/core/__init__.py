"""Everything that is not UI. Never imports textual or booth.tui."""
