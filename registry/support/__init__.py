"""The support chain ("Vem frågar jag?"): whom a pedagog at a unit turns to, step by step.

- `chain`: the chain from the register, the decision's positions and the service agreement
- `forms`, `views`: the "Vem frågar jag?" page
"""
