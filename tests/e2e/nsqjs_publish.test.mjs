// nsqjs Writer → our nsqd: PUB, MPUB, DPUB, bodies of every kind, error frames.
// Messages are read back with an nsqjs Reader and compared byte for byte.
import assert from 'node:assert/strict'
import {after, before, test} from 'node:test'

import {
    NsqdProcess, assertCleanShutdown, closeReader, closeWriter, deferPublish, numbered,
    openCollector, openWriter, publish, sleep, sortedBodies, uniqueName, useNsqd, waitFor,
} from './lib/harness.mjs'

const env = useNsqd({before, after})
const T = {timeout: 20000}
const ID_RE = /^[0-9a-f]{16}$/

/** Waits for `n` deliveries, then a quiet period in which no extra delivery may arrive. */
async function expectDeliveries(reader, n, ms = 5000, quietMs = 300) {
    await waitFor(() => reader.received.length >= n, ms,
                  `${n} deliveries (got ${reader.received.length})`)
    await sleep(quietMs)
    assert.equal(reader.received.length, n, 'no delivery beyond the expected ones')
}

function assertNoErrors(...clients) {
    for (const c of clients) assert.deepEqual(c.errors.map(String), [], 'no nsqjs error events')
}

test('publish of one message (PUB): exact body, attempts 1, hex id, timestamp', T, async () => {
    const topic = uniqueName('pub_one')
    const reader = await openCollector(env.nsqd, topic, 'ch')
    const writer = await openWriter(env.nsqd)
    const before = Date.now()
    await publish(writer, topic, 'hello from nsqjs')
    await expectDeliveries(reader, 1)

    const {msg} = reader.received[0]
    assert.equal(msg.body.toString(), 'hello from nsqjs')
    assert.equal(msg.attempts, 1)
    assert.match(msg.id, ID_RE)
    const tsMs = Number(msg.timestamp / 1000000n)  // nanoseconds since the epoch
    assert.ok(tsMs >= before - 1000 && tsMs <= Date.now() + 1000,
              `timestamp ${msg.timestamp} is the publish time in ns`)
    assertNoErrors(writer, reader)
    await closeReader(reader)
    await closeWriter(writer)
})

test('publish of an array (MPUB): every message once, ids increasing in batch order', T,
     async () => {
         const topic = uniqueName('mpub')
         const bodies = numbered('batch', 100)
         const reader = await openCollector(env.nsqd, topic, 'ch', {maxInFlight: 50})
         const writer = await openWriter(env.nsqd)
         await publish(writer, topic, bodies)
         await expectDeliveries(reader, bodies.length)

         assert.deepEqual(sortedBodies(reader.received.map((r) => r.msg)), bodies)
         const idOf = new Map(reader.received.map((r) => [r.body, r.msg.id]))
         for (let i = 1; i < bodies.length; i++) {
             const [prev, cur] = [idOf.get(bodies[i - 1]), idOf.get(bodies[i])]
             assert.match(cur, ID_RE)
             assert.ok(BigInt(`0x${cur}`) > BigInt(`0x${prev}`),
                       `id of ${bodies[i]} (${cur}) > id of ${bodies[i - 1]} (${prev})`)
         }
         assert.ok(reader.received.every((r) => r.msg.attempts === 1))
         assertNoErrors(writer, reader)
         await closeReader(reader)
         await closeWriter(writer)
     })

test('messages published before any channel exists reach the first channel', T, async () => {
    const topic = uniqueName('early')
    const writer = await openWriter(env.nsqd)
    await publish(writer, topic, 'early-1')
    await publish(writer, topic, ['early-2', 'early-3', 'early-4'])
    await publish(writer, topic, 'early-5')
    const reader = await openCollector(env.nsqd, topic, 'late_channel', {maxInFlight: 10})
    await expectDeliveries(reader, 5)
    assert.deepEqual(sortedBodies(reader.received.map((r) => r.msg)),
                     ['early-1', 'early-2', 'early-3', 'early-4', 'early-5'])
    assertNoErrors(writer, reader)
    await closeReader(reader)
    await closeWriter(writer)
})

test('200 pipelined publishes: replies come back in command order, all delivered', T,
     async () => {
         const topic = uniqueName('pipelined')
         const bodies = numbered('pipe', 200)
         const reader = await openCollector(env.nsqd, topic, 'ch', {maxInFlight: 100})
         const writer = await openWriter(env.nsqd)
         const order = []
         // Fired without awaiting: nsqjs matches each OK to the oldest pending callback.
         await Promise.all(bodies.map((b, i) => publish(writer, topic, b).then(() => order.push(i))))
         assert.deepEqual(order, bodies.map((_, i) => i))
         await expectDeliveries(reader, bodies.length)
         assert.deepEqual(sortedBodies(reader.received.map((r) => r.msg)), bodies)
         assertNoErrors(writer, reader)
         await closeReader(reader)
         await closeWriter(writer)
     })

test('deferPublish (DPUB 1500 ms): delivered after the delay, after a later PUB', T, async () => {
    const topic = uniqueName('dpub')
    const reader = await openCollector(env.nsqd, topic, 'ch', {maxInFlight: 10})
    const writer = await openWriter(env.nsqd)
    const sent = Date.now()
    await deferPublish(writer, topic, 'deferred', 1500)
    await publish(writer, topic, 'immediate')
    await expectDeliveries(reader, 2, 6000)

    const [first, second] = reader.received
    assert.equal(first.body, 'immediate')
    assert.equal(second.body, 'deferred')
    const delay = second.at - sent
    assert.ok(delay >= 1450, `deferred message arrived after ${delay} ms, expected >= 1500`)
    assert.ok(delay <= 3500, `deferred message arrived after ${delay} ms, expected ~1500`)
    assert.ok(first.at - sent < 1000, 'the immediate message was not held back')
    assert.equal(second.msg.attempts, 1)
    assertNoErrors(writer, reader)
    await closeReader(reader)
    await closeWriter(writer)
})

test('bodies survive byte for byte: binary, UTF-8, JSON, 512 KiB', T, async () => {
    const topic = uniqueName('bodies')
    const binary = Buffer.from(Array.from({length: 1024}, (_, i) => i % 256))
    const big = Buffer.alloc(512 * 1024)
    for (let i = 0; i < big.length; i++) big[i] = (i * 7919 + 13) % 251
    const utf8 = 'héllo wörld ✓ 日本語 🚀'
    const expected = [
        binary, Buffer.from(utf8), Buffer.from(JSON.stringify({a: 1, b: [true, null]})), big,
        Buffer.from('mpub-a'), Buffer.from([0, 0, 0, 0]), Buffer.from('\n\r\n'),
    ]
    const reader = await openCollector(env.nsqd, topic, 'ch', {maxInFlight: 10})
    const writer = await openWriter(env.nsqd)
    await publish(writer, topic, binary)
    await publish(writer, topic, utf8)
    await publish(writer, topic, {a: 1, b: [true, null]})  // nsqjs serializes objects as JSON
    await publish(writer, topic, big)
    await publish(writer, topic, [Buffer.from('mpub-a'), Buffer.from([0, 0, 0, 0]), '\n\r\n'])
    await expectDeliveries(reader, expected.length, 8000)

    const got = reader.received.map((r) => r.msg.body)
    for (const e of expected) {
        const hits = got.filter((g) => g.equals(e)).length
        assert.equal(hits, 1, `body of ${e.length} bytes (${e.subarray(0, 16).toString('hex')}...) ` +
                                  `delivered exactly once`)
    }
    assertNoErrors(writer, reader)
    await closeReader(reader)
    await closeWriter(writer)
})

test('PUB to an invalid topic name fails with E_BAD_TOPIC; nsqd stays healthy', T, async () => {
    const writer = await openWriter(env.nsqd)
    await assert.rejects(publish(writer, 'bad$topic', 'x'),
                         {message: 'E_BAD_TOPIC PUB topic name "bad$topic" is not valid'})
    await waitFor(() => writer.closed, 2000, 'writer closed after a fatal error')
    assert.deepEqual(await env.nsqd.ping(), {status: 200, body: 'OK'})

    const again = await openWriter(env.nsqd)
    const topic = uniqueName('after_error')
    const reader = await openCollector(env.nsqd, topic, 'ch')
    await publish(again, topic, 'still works')
    await expectDeliveries(reader, 1)
    assert.equal(reader.received[0].body, 'still works')
    await closeReader(reader)
    await closeWriter(again)
})

test('MPUB with an empty message fails with E_BAD_MESSAGE and enqueues nothing', T, async () => {
    const topic = uniqueName('mpub_empty')
    const reader = await openCollector(env.nsqd, topic, 'ch', {maxInFlight: 10})
    const writer = await openWriter(env.nsqd)
    await assert.rejects(publish(writer, topic, ['ok-1', '', 'ok-3']),
                         {message: 'E_BAD_MESSAGE MPUB invalid message(1) body size 0'})
    await sleep(600)  // longer than the 250 ms output-buffer flush: nothing may arrive
    assert.equal(reader.received.length, 0, 'a rejected MPUB enqueues none of its messages')
    await closeReader(reader)
})

test('PUB over --max-msg-size fails with E_BAD_MESSAGE', T, async () => {
    // A separate nsqd with a small limit, so the refused body is small and read in one piece.
    const small = await NsqdProcess.start(['--max-msg-size=100'])
    try {
        const writer = await openWriter(small)
        const topic = uniqueName('too_big')
        await publish(writer, topic, 'x'.repeat(100))
        await assert.rejects(publish(writer, topic, 'y'.repeat(101)),
                             {message: 'E_BAD_MESSAGE PUB message too big 101 > 100'})
        const {code, signal} = await small.stop()
        assert.deepEqual({code, signal}, {code: 0, signal: null})
    } finally {
        await small.kill()
        small.removeDataDir()
    }
})

test('nsqd exits with status 0 on SIGTERM', T, async () => {
    await assertCleanShutdown(env, assert)
})
