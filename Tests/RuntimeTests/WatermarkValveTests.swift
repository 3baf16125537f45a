import Dataflow
import Testing
@testable import Runtime

@Suite("Watermarks over several inputs")
struct WatermarkValveTests {
    @Test("the watermark is the minimum over the inputs and only rises")
    func minimum() {
        var v = WatermarkValve(channels: 2)
        #expect(v.watermark(100, channel: 0).watermark == nil)   // channel 1 has none yet
        #expect(v.watermark(50, channel: 1).watermark == 50)
        #expect(v.watermark(70, channel: 1).watermark == 70)
        #expect(v.watermark(60, channel: 1).watermark == nil)    // a lower watermark is ignored
        #expect(v.watermark(200, channel: 1).watermark == 100)
    }

    @Test("an idle input does not hold the watermark back; when all are idle the output is idle")
    func idleness() {
        var v = WatermarkValve(channels: 2)
        _ = v.watermark(100, channel: 0)
        let c = v.setIdle(true, channel: 1)
        #expect(c.watermark == 100)
        #expect(c.idle == nil)
        #expect(v.watermark(150, channel: 0).watermark == 150)
        let all = v.setIdle(true, channel: 0)
        #expect(all.idle == true)
        // A record on an idle channel makes the output active again.
        #expect(v.recordArrived(channel: 1) == false)
    }

    @Test("a finished input counts as the end of time; all finished gives the final watermark")
    func ending() {
        var v = WatermarkValve(channels: 2)
        _ = v.watermark(10, channel: 0)
        _ = v.watermark(20, channel: 1)
        #expect(v.end(channel: 0).watermark == 20)
        #expect(!v.allEnded)
        #expect(v.end(channel: 1).watermark == Watermark.endOfInput)
        #expect(v.allEnded)
    }
}
