"""A sans-IO SIP stack (RFC 3261 over UDP and TCP) with one asyncio module per transport.

- ``message``, ``headers``, ``uri``, ``grammar``: the wire format, parse and serialise
- ``salvage``: the 400/505/513 a request that does not parse still deserves
- ``framing``: cutting a TCP byte stream into messages (Content-Length, keep-alives)
- ``sdp``: session descriptions and the offer/answer model for G.711
- ``auth``: HTTP Digest for SIP, client and server side, SHA-256 and MD5
- ``transaction``: the four RFC 3261 section 17 state machines and timers A-M
- ``dialog``: RFC 3261 section 12 dialog state and in-dialog requests
- ``session``, ``uac``, ``uas``, ``events``: one invite session per call, outcomes, events
  (plain data naming each call by its ``CallHandle``)
- ``core``: the small interfaces through which the call objects reach the user agent core
- ``modify``, ``redirect``: re-INVITE both ways (section 14), 3xx redirects (8.1.3.4)
- ``txlayer``, ``useragent``, ``inbound``, ``handles``: the user agent core
- ``transport`` (UDP) and ``transport_tcp`` (TCP): the only modules that touch sockets;
  ``calls`` holds the call objects they hand to the application
"""
