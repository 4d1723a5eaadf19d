"""Reliability and security: nothing lost under faults, nothing injected, no secret leaked."""
