// Small drug definitions for the PK tests: one- and two-compartment models with round
// numbers, so the closed forms are easy to write down.

import NeuroplastCore
@testable import Physiology

func testDrug(_ name: String = "d", molarMass: Double = 200, pk: [String: PKParameters],
              metabolites: [MetaboliteLink] = []) -> DrugParameters {
    DrugParameters(name: name, molarMass: molarMass, pk: pk, brainPlasmaRatio: 2, brainUnboundFraction: 0.5,
                   plasmaUnboundFraction: 1, nmda: nil, metabolites: metabolites, sources: ["[I] test"])
}

/// One compartment: V 10 L, CL 2 L/h at 70 kg (k = 0.2 /h); oral k_a 1.5 /h, F 0.6.
let oneCompartment = PKParameters(referenceWeight: 70, centralVolume: 10, clearance: 2,
                                  absorption: ["oral": Absorption(rate: 1.5, bioavailability: 0.6)])

/// Two compartments: V1 20 L, CL 6 L/h, V2 40 L, Q 10 L/h at 70 kg.
let twoCompartment = PKParameters(referenceWeight: 70, centralVolume: 20, clearance: 6,
                                  peripheral: [PeripheralCompartment(volume: 40, flow: 10)],
                                  absorption: ["oral": Absorption(rate: 1.0, bioavailability: 1.0)])

func relativeError(_ a: Double, _ b: Double) -> Double { abs(a - b) / max(abs(b), 1e-300) }
