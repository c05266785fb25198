"""The attendant's screen (Textual). Calls booth.core only."""
