"""Security audits of a SUT's SIP service (H-SEC-1..3), from where any outsider stands.

* :mod:`~harness.audit.svwar`, :mod:`~harness.audit.svcrack`: sipvicious run as child
  processes (through :mod:`~harness.audit.launch`, which pins them to loopback), their output
  parsed into typed reports;
* :mod:`~harness.audit.probe`: a stricter enumeration check than svwar's (headers, timing);
* :mod:`~harness.audit.registration`: REGISTER attempts from a chosen source address;
* :mod:`~harness.audit.malformed`, :mod:`~harness.audit.rfc4475`, :mod:`~harness.audit.sender`:
  malformed SIP, sent from the audit's own UDP sockets (:mod:`~harness.audit.udp`);
* :mod:`~harness.audit.attacker`: the scenario-facing helper the steps call.

Nothing here knows which SUT it audits: the reference is reached like any other, through
the address the adapter's telephony capability gives.
"""
