"""Graph passes run before planning: compile-time work the device must not repeat."""
