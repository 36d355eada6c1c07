// The chunked, multi-threaded kernel equals the serial kernel bit for bit, for every
// chunk size and thread count: same spikes, same membrane potentials to the last bit —
// also with delivery joined to the update in one phase of a worker gang.

import Testing
@testable import Kernel

@Suite struct ChunkingTests {
    /// A random recurrent network with all three receptors, delays 1–20 steps and Poisson drive.
    func network(chunkSize: Int) -> ShardKernel {
        let n = 300
        var seq = KeyedSequence(key: 99)
        var syn: [SynapseSpec] = []
        for t in 0..<n {
            for _ in 0..<30 {
                syn.append(SynapseSpec(source: Int32(seq.below(n)), target: Int32(t), weight: Float(0.5 + seq.uniform()),
                                       delay: UInt16(1 + seq.below(20))))
            }
        }
        let drive = PoissonDrive(rate: 1.0, dt: 0.1, weight: 3, channel: 0)
        return KernelFixtures.kernel(count: n, model: KernelFixtures.lif(), v0: -65, drive: drive,
                                     synapses: syn, mix: (0.6, 0.3, 0), chunkSize: chunkSize)
    }

    func bits(_ k: ShardKernel) -> [UInt64] { (0..<k.n).map { k.v[$0].bitPattern } + (0..<k.n).map { k.sN[$0].bitPattern } }

    @Test func chunkedEqualsSerial() {
        let serial = network(chunkSize: 1_000_000)
        let reference = KernelFixtures.run(serial, steps: 3000)
        #expect(reference.count > 1000, "the network should be active; got \(reference.count) spikes")
        let refBits = bits(serial)
        for chunk in [1, 2, 3, 7, 64] {
            for threads in [1, 2] {
                let k = network(chunkSize: chunk)
                let spikes = KernelFixtures.run(k, steps: 3000, threads: threads)
                #expect(spikes == reference, "chunk \(chunk), threads \(threads): spikes differ")
                #expect(bits(k) == refBits, "chunk \(chunk), threads \(threads): state differs")
            }
        }
    }

    /// Delivery joined to the next step's update in one phase of a worker gang (each member
    /// delivers into its lane's neurons, then updates them) equals delivering serially and then
    /// stepping: same spikes, same state to the last bit, for chunk sizes that cut the
    /// network into more chunks than members, as many, and too few to join (the fallback).
    @Test(arguments: [2, 3])
    func deliveryJoinedToUpdateEqualsSerial(threads: Int) {
        let serial = network(chunkSize: 1_000_000)
        let reference = KernelFixtures.run(serial, steps: 1500)
        #expect(reference.count > 500, "the network should be active; got \(reference.count) spikes")
        for chunk in [7, 100, 300] {
            let k = network(chunkSize: chunk)
            let spikes = KernelFixtures.runJoined(k, steps: 1500, threads: threads)
            #expect(spikes == reference, "chunk \(chunk), threads \(threads): spikes differ")
            #expect(bits(k) == bits(serial), "chunk \(chunk), threads \(threads): state differs")
            for ring in [(serial.ringA, k.ringA), (serial.ringN, k.ringN), (serial.ringG, k.ringG)] {
                #expect(ring.0.array.map(\.bitPattern) == ring.1.array.map(\.bitPattern), "chunk \(chunk), threads \(threads): rings differ")
            }
        }
    }
}

@Suite struct ParallelDeliveryTests {
    /// Delivery split over target ranges equals serial delivery, bit for bit, in every ring.
    @Test func parallelDeliveryEqualsSerial() {
        let make = { ChunkingTests().network(chunkSize: 64) }
        var seq = KeyedSequence(key: 8)
        var spikes: [Spike] = []
        for step in 0..<10 { for _ in 0..<40 { spikes.append(Spike(step: step, source: Int32(seq.below(300)))) } }
        spikes.sort()
        let serial = make()
        serial.deliver(spikes, threads: 1)
        for threads in [2, 3, 4] {
            let k = make()
            k.parallelDeliveryMinSpikes = 1
            k.deliver(spikes, threads: threads)
            for ring in [(serial.ringA, k.ringA), (serial.ringN, k.ringN), (serial.ringG, k.ringG)] {
                #expect(ring.0.array.map(\.bitPattern) == ring.1.array.map(\.bitPattern), "threads \(threads)")
            }
        }
    }
}
