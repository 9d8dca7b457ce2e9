"""The data a register starts from: the seed (`load`, `manage.py load_seed`) and a synthetic
huvudman of any size for demos and benchmarks (`demo`, `manage.py generate_demo`)."""
