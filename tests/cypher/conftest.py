import sys
from pathlib import Path

# tests/ has no __init__.py: make the shared helper tests/cypher_lint.py importable.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
