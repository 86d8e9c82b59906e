"""mesoclinic: software that runs a mesotherapy clinic."""

__version__ = "0.1.0"
