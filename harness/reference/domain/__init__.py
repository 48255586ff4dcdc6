"""Pure rules of the reference contact center: no I/O, no SQL, no asyncio.

One module per concept (accounts, directory, distribution, calls, inbound, registrations); later
concepts (tickets, caller identity, business hours, recordings, monitoring) join as new modules.
"""
