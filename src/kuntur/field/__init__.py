"""The field app (issue 20): the phone an officer already carries as the unit's terminal.

Signed in per officer and device for the shift, bound to one unit; receives that unit's
dispatches and orders live, acknowledges them, reports status, position and notes (queued
offline, applied once, with their real times). See docs/field.md."""
