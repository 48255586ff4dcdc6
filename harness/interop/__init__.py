"""SIP peers no one here wrote (SIPp, baresip), started and stopped by the interop tests.

Our SIP stack sits on both sides of most scenarios, so a bug shared by both sides would go
unnoticed; these peers close that gap (DESIGN.md, boundary 5). Each helper runs its program as a
child process on loopback ports chosen at run time, keeps the program's own traces in a working
folder, and ends only the process it started, by its PID.
"""
