"""Pure renderers: model pieces -> configuration text. No I/O, testable without root."""
