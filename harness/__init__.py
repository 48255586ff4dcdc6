"""callproof: a conformance and end-to-end test harness for contact-center platforms."""

__version__ = "0.1.0"
