// nsqjs Reader ← our nsqd: RDY windows, FIN, exactly-once delivery, sharing a channel between
// Readers, fan-out to several channels.
import assert from 'node:assert/strict'
import {after, before, test} from 'node:test'

import {
    assertCleanShutdown, closeReader, closeWriter, numbered, openCollector, openWriter, publish,
    sleep, sortedBodies, uniqueName, useNsqd, waitFor,
} from './lib/harness.mjs'

const env = useNsqd({before, after})
const T = {timeout: 20000}

/** body → number of deliveries. */
function countBodies(received) {
    const counts = new Map()
    for (const r of received) counts.set(r.body, (counts.get(r.body) ?? 0) + 1)
    return counts
}

function assertEachOnce(received, bodies, who) {
    const counts = countBodies(received)
    for (const b of bodies) assert.equal(counts.get(b), 1, `${who}: ${b} delivered exactly once`)
    assert.equal(received.length, bodies.length, `${who}: no extra deliveries`)
}

function assertNoErrors(...clients) {
    for (const c of clients) assert.deepEqual(c.errors.map(String), [], 'no nsqjs error events')
}

test('maxInFlight 10: 300 messages each delivered exactly once, never more than 10 held', T,
     async () => {
         const topic = uniqueName('inflight')
         const bodies = numbered('m', 300)
         // Each message is held 20 ms before FIN, so the RDY window fills up.
         const reader = await openCollector(env.nsqd, topic, 'ch', {maxInFlight: 10}, {holdMs: 20})
         const writer = await openWriter(env.nsqd)
         await publish(writer, topic, bodies)
         await waitFor(() => reader.received.length >= bodies.length, 15000,
                       () => `all deliveries (got ${reader.received.length})`)
         await waitFor(() => reader.stats.holding === 0, 2000, 'all finished')
         await sleep(500)
         assertEachOnce(reader.received, bodies, 'reader')
         assert.ok(reader.received.every((r) => r.msg.attempts === 1), 'no redelivery')
         assert.ok(reader.stats.maxHolding > 1, `RDY 10 allows several messages in flight ` +
                                                    `(max held ${reader.stats.maxHolding})`)
         assert.ok(reader.stats.maxHolding <= 10,
                   `nsqd must not exceed RDY 10 (max held ${reader.stats.maxHolding})`)
         assertNoErrors(writer, reader)
         await closeReader(reader)
         await closeWriter(writer)
     })

test('RDY is a standing window: 3 unanswered messages stop delivery, FIN resumes it', T,
     async () => {
         const topic = uniqueName('window')
         const bodies = numbered('w', 10)
         // finish: false — messages are held until the test finishes them.
         const reader = await openCollector(env.nsqd, topic, 'ch', {maxInFlight: 3},
                                            {finish: false})
         const writer = await openWriter(env.nsqd)
         await publish(writer, topic, bodies)
         await waitFor(() => reader.received.length >= 3, 5000, '3 deliveries')
         await sleep(700)
         assert.equal(reader.received.length, 3, 'no fourth message while 3 are in flight (RDY 3)')

         // nsqjs does not re-send RDY to nsqd >= 0.3.0: FIN alone must make room.
         let finished = 0
         while (finished < bodies.length) {
             const pending = reader.received.slice(finished)
             for (const r of pending) r.msg.finish()
             finished += pending.length
             if (finished < bodies.length) {
                 await waitFor(() => reader.received.length > finished, 5000,
                               () => `delivery after FIN (have ${reader.received.length})`)
                 await sleep(50)
                 assert.ok(reader.received.length - finished <= 3,
                           `at most 3 in flight (got ${reader.received.length - finished})`)
             }
         }
         await sleep(300)
         assertEachOnce(reader.received, bodies, 'reader')
         assertNoErrors(writer, reader)
         await closeReader(reader)
         await closeWriter(writer)
     })

test('finished messages are not redelivered after their msg timeout', T, async () => {
    const topic = uniqueName('finish')
    const bodies = numbered('f', 5)
    const reader = await openCollector(env.nsqd, topic, 'ch', {maxInFlight: 5, messageTimeout: 1000})
    const writer = await openWriter(env.nsqd)
    await publish(writer, topic, bodies)
    await waitFor(() => reader.received.length >= 5, 5000, '5 deliveries')
    await sleep(2500)  // 2.5 × msg_timeout: an unfinished message would have come back
    assertEachOnce(reader.received, bodies, 'reader')
    assertNoErrors(writer, reader)
    await closeReader(reader)
    await closeWriter(writer)
})

test('two Readers on one channel share the messages: none goes to both', T, async () => {
    const topic = uniqueName('shared')
    const bodies = numbered('s', 100)
    const opts = {maxInFlight: 5}
    const a = await openCollector(env.nsqd, topic, 'shared_ch', opts, {holdMs: 20})
    const b = await openCollector(env.nsqd, topic, 'shared_ch', opts, {holdMs: 20})
    const writer = await openWriter(env.nsqd)
    await publish(writer, topic, bodies)
    await waitFor(() => a.received.length + b.received.length >= bodies.length, 15000,
                  () => `all deliveries (a ${a.received.length}, b ${b.received.length})`)
    await sleep(500)

    const inA = new Set(a.received.map((r) => r.body))
    const both = b.received.filter((r) => inA.has(r.body)).map((r) => r.body)
    assert.deepEqual(both, [], 'no message delivered to both Readers')
    assertEachOnce([...a.received, ...b.received], bodies, 'a+b')
    assert.ok(a.received.length > 0 && b.received.length > 0,
              `both Readers got work (a ${a.received.length}, b ${b.received.length})`)
    assert.ok(a.stats.maxHolding <= 5 && b.stats.maxHolding <= 5, 'each within its RDY 5')
    assertNoErrors(writer, a, b)
    await closeReader(a)
    await closeReader(b)
    await closeWriter(writer)
})

test('two channels each receive every message, with the same ids', T, async () => {
    const topic = uniqueName('fanout')
    const bodies = numbered('c', 50)
    const a = await openCollector(env.nsqd, topic, 'ch_a', {maxInFlight: 10})
    const b = await openCollector(env.nsqd, topic, 'ch_b', {maxInFlight: 10})
    const writer = await openWriter(env.nsqd)
    await publish(writer, topic, bodies.slice(0, 25))
    for (const body of bodies.slice(25)) await publish(writer, topic, body)
    await waitFor(() => a.received.length >= 50 && b.received.length >= 50, 10000,
                  () => `50 deliveries on each channel (a ${a.received.length}, ` +
                        `b ${b.received.length})`)
    await sleep(500)
    assertEachOnce(a.received, bodies, 'ch_a')
    assertEachOnce(b.received, bodies, 'ch_b')
    assert.deepEqual(sortedBodies(a.received.map((r) => r.msg)), bodies)
    const idInA = new Map(a.received.map((r) => [r.body, r.msg.id]))
    for (const r of b.received) {
        assert.equal(r.msg.id, idInA.get(r.body), `${r.body}: same id on both channels`)
        assert.equal(r.msg.attempts, 1, `${r.body}: attempts start at 1 on each channel`)
    }
    assertNoErrors(writer, a, b)
    await closeReader(a)
    await closeReader(b)
    await closeWriter(writer)
})

test('a channel created later gets only messages published after it exists', T, async () => {
    const topic = uniqueName('late_ch')
    const first = await openCollector(env.nsqd, topic, 'first', {maxInFlight: 10})
    const writer = await openWriter(env.nsqd)
    await publish(writer, topic, ['old-1', 'old-2'])
    await waitFor(() => first.received.length >= 2, 5000, 'first channel got the old messages')
    const second = await openCollector(env.nsqd, topic, 'second', {maxInFlight: 10})
    await publish(writer, topic, 'new-1')
    await waitFor(() => first.received.length >= 3 && second.received.length >= 1, 5000,
                  'new message on both channels')
    await sleep(400)
    assert.deepEqual(sortedBodies(first.received.map((r) => r.msg)), ['new-1', 'old-1', 'old-2'])
    assert.deepEqual(sortedBodies(second.received.map((r) => r.msg)), ['new-1'])
    assertNoErrors(writer, first, second)
    await closeReader(first)
    await closeReader(second)
    await closeWriter(writer)
})

test('nsqd exits with status 0 on SIGTERM', T, async () => {
    await assertCleanShutdown(env, assert)
})
