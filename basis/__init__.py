"""The ground the wings stand on: settings, the contract's vocabulary, reference data."""
