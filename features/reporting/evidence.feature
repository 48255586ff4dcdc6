Feature: A failing scenario keeps its evidence
  Source: the harness's own requirement H-EVD-1 (docs: README, "Evidence"). When a scenario
  fails, support needs what happened on the wire and in everyone's ears: the Call IDs, the SIP
  ladder, a packet capture that opens in Wireshark, and what each party heard. A scenario cannot
  fail on purpose here, so it asks for its evidence as if it had failed, from the same writer a
  real failure uses, and reads the files back.

  Background:
    Given a number "Support" in the account
    And agents "Alice" and "Bruno" with SIP phones

  @H-EVD-1
  Scenario: The evidence of a call holds its ladder, Call IDs, packet capture and what each party heard
    Given "Alice" is in the Ring to widget of "Support"
    When a customer calls "Support"
    And "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    When the customer hangs up
    Then the call is logged as Answered by "Alice"
    When the scenario's evidence is kept as if it had failed
    Then the evidence holds the SIP ladder and the Call IDs of the call
    And the packet capture holds the INVITE, the 200 OK and RTP both ways of each leg
    And the audio heard by the customer carries the signature of "Alice"
    And the audio heard by "Alice" carries the signature of the customer
    And a README in the evidence says what each file is
