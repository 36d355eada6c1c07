// The network's public surface re-exports the scenario types it runs.
@_exported import Scenario
