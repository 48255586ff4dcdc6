"""The reference's consumer side: SDK sessions (web and mobile), web chat, SMS, deflection."""
