// The kernel re-exports the core value types it is written in (ids, spikes, parameters).
@_exported import NeuroplastCore
