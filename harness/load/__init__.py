"""Load on Locust: Locust users placing real SIP calls with real RTP, every call verified."""
