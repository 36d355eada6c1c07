// One synapse as a network file lists it: pre and post global ids, the weight factor on its
// projection's conductances (with STDP, including facilitation still pending) and its delay
// in steps.

import Plasticity

package struct SynapseEdge: Sendable, Equatable {
    package var key: SynapseKey
    package var weight: Float
    package var delay: UInt16  // [steps]
}
