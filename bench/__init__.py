"""tagjack's benchmark suite: ``python -m bench`` (``make bench``) writes bench/results.json.

Every figure that has a target is a ratio or a bound measured in the same run,
because the machine is shared and absolute timings are noisy.
"""
