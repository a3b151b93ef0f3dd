"""Test support shipped inside the package: WebSocket mocks and database fixtures.

Only tests import this; production code must not (see the `production-without-test-code`
contract).
"""
