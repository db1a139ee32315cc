// nsqjs connection life against our nsqd: IDENTIFY negotiation, heartbeats for consumers and
// publishers, the read deadline for a client that stops answering heartbeats.
import assert from 'node:assert/strict'
import {after, before, test} from 'node:test'

import {
    assertCleanShutdown, closeReader, closeWriter, nsq, once, openCollector, openWriter, publish,
    readerConnection, sleep, uniqueName, useNsqd, waitFor,
} from './lib/harness.mjs'

const env = useNsqd({before, after})
const T = {timeout: 20000}

function assertNoErrors(...clients) {
    for (const c of clients) assert.deepEqual(c.errors.map(String), [], 'no nsqjs error events')
}

/**
 * Wraps an NSQDConnection's write so that NOPs (nsqjs's answer to `_heartbeat_`) are counted,
 * or swallowed with drop: true.
 */
function tapNops(conn, {drop = false} = {}) {
    const tap = {nops: 0}
    const write = conn.write.bind(conn)
    conn.write = (data) => {
        if (Buffer.from(data).toString() === 'NOP\n') {
            tap.nops += 1
            if (drop) return
        }
        write(data)
    }
    return tap
}

test('IDENTIFY: nsqd answers nsqjs with the 1.3.0 feature-negotiation JSON', T, async () => {
    const topic = uniqueName('identify')
    const reader = await openCollector(env.nsqd, topic, 'ch', {
        heartbeatInterval: 2, messageTimeout: 5000, sampleRate: 50,
        outputBufferSize: 1024, outputBufferTimeout: 100,
    })
    const response = readerConnection(reader).statemachine.identifyResponse
    assert.deepEqual(Object.keys(response), [
        'max_rdy_count', 'version', 'max_msg_timeout', 'msg_timeout', 'tls_v1', 'deflate',
        'deflate_level', 'max_deflate_level', 'snappy', 'sample_rate', 'auth_required',
        'output_buffer_size', 'output_buffer_timeout',
    ], 'keys in nsqd 1.3.0 order')
    assert.deepEqual(response, {
        max_rdy_count: 2500, version: '1.3.0', max_msg_timeout: 900000, msg_timeout: 5000,
        tls_v1: false, deflate: false, deflate_level: 6, max_deflate_level: 6, snappy: false,
        sample_rate: 50, auth_required: false, output_buffer_size: 1024,
        output_buffer_timeout: 100,
    })
    assertNoErrors(reader)
    await closeReader(reader)

    const writer = await openWriter(env.nsqd)
    const defaults = writer.conn.statemachine.identifyResponse
    assert.equal(defaults.msg_timeout, 60000, 'default --msg-timeout')
    assert.equal(defaults.sample_rate, 0)
    assert.equal(defaults.output_buffer_size, 16384)
    assert.equal(defaults.output_buffer_timeout, 250)
    await closeWriter(writer)
})

test('Reader with heartbeatInterval 1 s stays connected for 3 s, answering heartbeats', T,
     async () => {
         const topic = uniqueName('hb_reader')
         const reader = await openCollector(env.nsqd, topic, 'ch', {heartbeatInterval: 1})
         const tap = tapNops(readerConnection(reader))
         await sleep(3300)
         assert.ok(tap.nops >= 2 && tap.nops <= 5,
                   `heartbeats answered in 3.3 s at a 1 s interval: ${tap.nops}`)
         assert.equal(reader.closedConnections, 0, 'still connected')
         assertNoErrors(reader)

         // The connection still works after the idle period.
         const writer = await openWriter(env.nsqd)
         await publish(writer, topic, 'after heartbeats')
         await waitFor(() => reader.received.length >= 1, 3000, 'delivery after idling')
         assert.equal(reader.received[0].body, 'after heartbeats')
         await closeReader(reader)
         await closeWriter(writer)
     })

test('Writer with heartbeatInterval 1 s gets heartbeats too and can publish after 3 s idle', T,
     async () => {
         const topic = uniqueName('hb_writer')
         const reader = await openCollector(env.nsqd, topic, 'ch')
         const writer = await openWriter(env.nsqd, {heartbeatInterval: 1})
         const tap = tapNops(writer.conn)
         await sleep(3300)
         assert.ok(tap.nops >= 2 && tap.nops <= 5, `writer answered ${tap.nops} heartbeats`)
         assert.equal(writer.closed, false, 'writer still connected')
         await publish(writer, topic, 'idle writer')
         await waitFor(() => reader.received.length >= 1, 3000, 'delivery')
         assert.equal(reader.received[0].body, 'idle writer')
         assertNoErrors(writer, reader)
         await closeReader(reader)
         await closeWriter(writer)
     })

test('a Reader that stops answering heartbeats is disconnected after ~2 intervals', T,
     async () => {
         const topic = uniqueName('hb_silent')
         const reader = await openCollector(env.nsqd, topic, 'ch', {heartbeatInterval: 1})
         const subscribedAt = Date.now()  // RDY, the last command nsqd hears, goes out now
         tapNops(readerConnection(reader), {drop: true})
         await once(reader, nsq.Reader.NSQD_CLOSED, 6000, 'nsqd closing the silent connection')
         const after = Date.now() - subscribedAt
         assert.ok(after >= 1500 && after <= 4000,
                   `closed ${after} ms after the last command (2 × 1 s heartbeat interval)`)
         reader.close()
     })

test('Reader.close() sends CLS; the channel keeps working for a new Reader', T, async () => {
    const topic = uniqueName('cls')
    const first = await openCollector(env.nsqd, topic, 'ch')
    const writer = await openWriter(env.nsqd)
    await publish(writer, topic, 'one')
    await waitFor(() => first.received.length >= 1, 3000, 'first delivery')
    await sleep(100)
    await closeReader(first)
    await publish(writer, topic, 'two')
    const second = await openCollector(env.nsqd, topic, 'ch')
    await waitFor(() => second.received.length >= 1, 3000, 'delivery to the new Reader')
    await sleep(300)
    assert.deepEqual(first.received.map((r) => r.body), ['one'])
    assert.deepEqual(second.received.map((r) => `${r.body}#${r.msg.attempts}`), ['two#1'])
    assertNoErrors(writer, first, second)
    await closeReader(second)
    await closeWriter(writer)
})

test('nsqd exits with status 0 on SIGTERM while clients are connected', T, async () => {
    const topic = uniqueName('shutdown')
    const reader = await openCollector(env.nsqd, topic, 'ch')
    const writer = await openWriter(env.nsqd)
    await publish(writer, topic, 'before shutdown')
    await waitFor(() => reader.received.length >= 1, 3000, 'delivery')
    const closed = once(reader, nsq.Reader.NSQD_CLOSED, 8000, 'nsqd closing the consumer')
    await assertCleanShutdown(env, assert)
    await closed
    await waitFor(() => writer.closed, 3000, 'nsqd closing the publisher')
    reader.close()
})
