Feature: A scenario leaves nothing behind
  Source: the harness's reliability requirement H-REL-2. After every scenario its parties end
  their calls and close their sockets; whatever cannot be ended (a dialog the system under test
  never releases, an RTP port still open) fails the scenario, counts against H-REL-2 and is
  named in the failure. The leak is provoked here with a fault only the reference has, to prove
  that the detector reports it; on a vendor's platform such a leak is a defect found.

  Background:
    Given a number "Support" in the account
    And agents "Alice" and "Bruno" with SIP phones
    And "Alice" is in the Ring to widget of "Support"

  @H-REL-2 @needs:faults
  Scenario: A call the contact center never lets the customer end is reported as a leak
    Given the contact center ignores the customer's hang-ups
    When a customer calls "Support"
    And "Alice" answers the call
    Then the post-conditions fail H-REL-2, naming the customer's call that never ended
