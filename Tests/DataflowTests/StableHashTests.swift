import Testing
@testable import Dataflow

// Expected values come from Apache Flink 2.3 (flink-dist-2.3.0.jar, Java 17): `key.hashCode()`,
// `KeyGroupRangeAssignment.assignToKeyGroup(key, 128)` and `assignKeyToParallelOperator(key, 128, p)` for p = 1...4,
// printed by the throwaway oracle /tmp/kg/KG.java. A key must land in the same key group (and subtask) as in Flink,
// or keyed state would not line up with a Flink job's.

private let stringVectors: [(key: String, hashCode: Int32, keyGroup: Int, operators: [Int])] = [
    ("100000", 1448635039, 52, [0, 0, 1, 1]),
    ("100001", 1448635040, 79, [0, 1, 1, 2]),
    ("100042", 1448635165, 61, [0, 0, 1, 1]),
    ("100099", 1448635327, 49, [0, 0, 1, 1]),
    ("hello", 99162322, 35, [0, 0, 0, 1]),
    ("", 0, 94, [0, 1, 2, 2]),
    ("\u{FC}n\u{EF}c\u{F6}d\u{E9}", -609221899, 15, [0, 0, 0, 0]),   // "ünïcödé": BMP, non-ASCII
    ("\u{1F600}abc", 1276922911, 42, [0, 0, 0, 1]),                  // "😀abc": a surrogate pair in UTF-16
]

private let longVectors: [(key: Int64, hashCode: Int32, keyGroup: Int, operators: [Int])] = [
    (0, 0, 94, [0, 1, 2, 2]),
    (1, 1, 86, [0, 1, 2, 2]),
    (-1, 0, 94, [0, 1, 2, 2]),
    (1764000000000, -1231558246, 89, [0, 1, 2, 2]),
    (Int64.max, -2147483648, 108, [0, 1, 2, 3]),   // hashCode is Int32.min: exercises murmurHash's sign handling
]

@Test("String.stableHashCode is Java's String.hashCode()", arguments: stringVectors.indices)
func stringHashCodeMatchesJava(_ i: Int) {
    let v = stringVectors[i]
    #expect(v.key.stableHashCode == v.hashCode)
}

@Test("Int64.stableHashCode is Java's Long.hashCode()", arguments: longVectors.indices)
func longHashCodeMatchesJava(_ i: Int) {
    let v = longVectors[i]
    #expect(v.key.stableHashCode == v.hashCode)
    // Int keys hash as Long keys (a Swift Int is Java's long).
    #expect(Int(v.key).stableHashCode == v.hashCode)
}

@Test("String keys land in Flink's key group and subtask", arguments: stringVectors.indices)
func stringKeyGroupsMatchFlink(_ i: Int) {
    let v = stringVectors[i]
    let kg = KeyGroups.keyGroup(of: v.key, maxParallelism: 128)
    #expect(kg == v.keyGroup)
    let ops = (1...4).map { KeyGroups.operatorIndex(keyGroup: kg, parallelism: $0, maxParallelism: 128) }
    #expect(ops == v.operators)
}

@Test("Long keys land in Flink's key group and subtask", arguments: longVectors.indices)
func longKeyGroupsMatchFlink(_ i: Int) {
    let v = longVectors[i]
    let kg = KeyGroups.keyGroup(of: v.key, maxParallelism: 128)
    #expect(kg == v.keyGroup)
    let ops = (1...4).map { KeyGroups.operatorIndex(keyGroup: kg, parallelism: $0, maxParallelism: 128) }
    #expect(ops == v.operators)
}

// Flink's computeKeyGroupRangeForOperatorIndex(128, p, i): (p, i, start, end).
private let flinkRanges: [(p: Int, i: Int, start: Int, end: Int)] = [
    (1, 0, 0, 127),
    (2, 0, 0, 63), (2, 1, 64, 127),
    (3, 0, 0, 42), (3, 1, 43, 85), (3, 2, 86, 127),
    (4, 0, 0, 31), (4, 1, 32, 63), (4, 2, 64, 95), (4, 3, 96, 127),
    (7, 0, 0, 18), (7, 1, 19, 36), (7, 2, 37, 54), (7, 3, 55, 73), (7, 4, 74, 91), (7, 5, 92, 109), (7, 6, 110, 127),
]

@Test("KeyGroups.range matches Flink's computeKeyGroupRangeForOperatorIndex")
func rangesMatchFlink() {
    for r in flinkRanges {
        #expect(KeyGroups.range(operatorIndex: r.i, parallelism: r.p, maxParallelism: 128) == r.start...r.end,
                "p=\(r.p) i=\(r.i)")
    }
}

// Flink's computeOperatorIndexForKeyGroup(128, p, kg) for kg in [0, 42, 43, 63, 64, 85, 86, 127].
private let flinkOperatorIndices: [(p: Int, indices: [Int])] = [
    (1, [0, 0, 0, 0, 0, 0, 0, 0]),
    (2, [0, 0, 0, 0, 1, 1, 1, 1]),
    (3, [0, 0, 1, 1, 1, 1, 2, 2]),
    (4, [0, 1, 1, 1, 2, 2, 2, 3]),
    (7, [0, 2, 2, 3, 3, 4, 4, 6]),
]

@Test("KeyGroups.operatorIndex matches Flink's computeOperatorIndexForKeyGroup")
func operatorIndicesMatchFlink() {
    let keyGroups = [0, 42, 43, 63, 64, 85, 86, 127]
    for v in flinkOperatorIndices {
        let got = keyGroups.map { KeyGroups.operatorIndex(keyGroup: $0, parallelism: v.p, maxParallelism: 128) }
        #expect(got == v.indices, "p=\(v.p)")
    }
}

// The ranges of all subtasks partition the key groups, and every key group's owner (operatorIndex) is the
// subtask whose range holds it: state redistribution and record routing must agree.
@Test("ranges partition the key groups and agree with operatorIndex", arguments: [1, 2, 3, 5, 7, 64, 100, 128])
func rangesAgreeWithOperatorIndex(_ p: Int) {
    var covered: [Int] = []
    for i in 0..<p {
        let r = KeyGroups.range(operatorIndex: i, parallelism: p, maxParallelism: 128)
        for kg in r {
            covered.append(kg)
            #expect(KeyGroups.operatorIndex(keyGroup: kg, parallelism: p, maxParallelism: 128) == i, "kg=\(kg) p=\(p)")
        }
    }
    #expect(covered == Array(0..<128))
}

@Test("key groups stay below maxParallelism for other max parallelisms")
func keyGroupsInRange() {
    for maxP in [1, 7, 128, 32768] {
        for k in 0..<2000 {
            let kg = KeyGroups.keyGroup(of: "key-\(k)", maxParallelism: maxP)
            #expect((0..<maxP).contains(kg))
        }
    }
}
