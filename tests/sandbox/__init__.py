"""Tests of the local Notion sandbox."""
