"""Socket-level pieces shared by the SIP and media transports."""
