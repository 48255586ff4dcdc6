"""A sans-IO SIP stack (RFC 3261 over UDP) with one asyncio transport module.

- ``message``, ``headers``, ``uri``, ``grammar``: the wire format, parse and serialise
- ``sdp``: session descriptions and the offer/answer model for G.711
- ``auth``: HTTP Digest for SIP, client and server side
- ``transaction``: the four RFC 3261 section 17 state machines and timers A-M
- ``dialog``: RFC 3261 section 12 dialog state and in-dialog requests
- ``session``, ``uac``, ``uas``, ``events``: one invite session per call, outcomes, events
- ``txlayer``, ``useragent``, ``handles``: the user agent core that ties them together
- ``transport``: the only module that touches sockets and the event loop
"""
