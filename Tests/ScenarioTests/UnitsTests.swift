// Units at the edge: parsing and conversion to kernel units.

import InputReading
import Testing
import Scenario

@Suite struct UnitsTests {
    @Test func parsesNumbersAndUnits() {
        #expect(Quantity.parse("20 ms") == Quantity(value: 20, unit: "ms"))
        #expect(Quantity.parse("-65mV") == Quantity(value: -65, unit: "mV"))
        #expect(Quantity.parse("1e3 Hz") == Quantity(value: 1000, unit: "Hz"))
        #expect(Quantity.parse("0.5") == Quantity(value: 0.5, unit: ""))
        #expect(Quantity.parse("fast") == nil)
    }

    @Test func convertsToKernelUnits() {
        let u = UnitTable.units
        #expect(u["s"]!.1 == 1000 && u["s"]!.0 == .time)
        #expect(u["uS"]!.1 == 1000 && u["uS"]!.0 == .conductance)
        #expect(u["nF"]!.1 == 1000 && u["nF"]!.0 == .capacitance)
        #expect(u["kHz"]!.1 == 1 && u["Hz"]!.1 == 0.001)
        #expect(u["m/s"]!.1 == 1000)        // 1 m/s = 1000 µm/ms
        #expect(u["/mm2"]!.1 == 1e-6)
    }

    @Test func densityGivesCount() throws {
        let text = goodScenario.replacingOccurrences("count: 80", "density: 400 /mm2")
        let s = try ScenarioLoader.load(text: text, file: "d.yaml")
        #expect(s.populations[0].count == 100)   // 400/mm² × 0.25 mm²
    }
}
