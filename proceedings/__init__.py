"""proceedings: from rapporteurs' notes to the published synthesis of a one-day event."""

__version__ = "0.1.0"
