"""Contract suite for Bolna's /sip-trunks API: drives a target with Schemathesis and the generated client."""
