// nsqjs Message.requeue / touch and the msg timeout negotiated by IDENTIFY, against our nsqd.
import assert from 'node:assert/strict'
import {after, before, test} from 'node:test'

import {
    assertCleanShutdown, closeReader, closeWriter, openReader, openWriter, publish,
    readerConnection, sleep, uniqueName, useNsqd, waitFor,
} from './lib/harness.mjs'

const env = useNsqd({before, after})
const T = {timeout: 20000}

function assertNoErrors(...clients) {
    for (const c of clients) assert.deepEqual(c.errors.map(String), [], 'no nsqjs error events')
}

/** A Reader whose handler is `decide(msg, delivery, deliveries)`; records every delivery. */
async function openScripted(topic, options, decide) {
    const deliveries = []
    const reader = await openReader(env.nsqd, topic, 'ch', options, (msg) => {
        const d = {msg, body: msg.body.toString(), attempts: msg.attempts, at: Date.now()}
        deliveries.push(d)
        decide(msg, d, deliveries)
    })
    reader.deliveries = deliveries
    return reader
}

test('requeue(0): redelivered at once with attempts 2, same id and body; then FIN', T,
     async () => {
         const topic = uniqueName('req0')
         const reader = await openScripted(topic, {maxInFlight: 1}, (msg, d) => {
             if (d.attempts === 1) msg.requeue(0, false)  // no client-side backoff
             else msg.finish()
         })
         const writer = await openWriter(env.nsqd)
         await publish(writer, topic, 'again please')
         await waitFor(() => reader.deliveries.length >= 2, 5000, 'redelivery')
         await sleep(500)
         const [first, second] = reader.deliveries
         assert.equal(reader.deliveries.length, 2, 'FIN ends it: no third delivery')
         assert.deepEqual([first.attempts, second.attempts], [1, 2])
         assert.equal(second.msg.id, first.msg.id)
         assert.equal(second.body, 'again please')
         assert.ok(second.at - first.at < 1000, `requeue(0) redelivers at once ` +
                                                    `(${second.at - first.at} ms)`)
         assertNoErrors(writer, reader)
         await closeReader(reader)
         await closeWriter(writer)
     })

test('requeue(0) with nsqjs backoff (RDY 0 → RDY 1 → RDY max): every message still arrives',
     T, async () => {
         const topic = uniqueName('req_backoff')
         // maxBackoffDuration 1 s: nsqjs backs off ~30 ms, sending RDY 0, then RDY 1, then RDY 5.
         const reader = await openScripted(topic, {maxInFlight: 5, maxBackoffDuration: 1},
                                           (msg, d) => {
                                               if (d.body === 'fail-once' && d.attempts === 1) {
                                                   msg.requeue(0)  // backoff = true
                                               } else {
                                                   msg.finish()
                                               }
                                           })
         const writer = await openWriter(env.nsqd)
         await publish(writer, topic, ['fail-once', 'b', 'c', 'd', 'e'])
         await waitFor(() => reader.deliveries.length >= 6, 8000,
                       () => `6 deliveries (got ${reader.deliveries.length})`)
         await sleep(500)
         const seen = reader.deliveries.map((d) => `${d.body}#${d.attempts}`).sort()
         assert.deepEqual(seen, ['b#1', 'c#1', 'd#1', 'e#1', 'fail-once#1', 'fail-once#2'])
         assertNoErrors(writer, reader)
         await closeReader(reader)
         await closeWriter(writer)
     })

test('requeue(1500): redelivered after about 1.5 s, behind a newer message', T, async () => {
    const topic = uniqueName('req_delay')
    let requeuedAt = 0
    const writer = await openWriter(env.nsqd)
    const reader = await openScripted(topic, {maxInFlight: 2}, (msg, d) => {
        if (d.body === 'later' && d.attempts === 1) {
            requeuedAt = Date.now()
            msg.requeue(1500, false)
            publish(writer, topic, 'newer').catch(() => {})
        } else {
            msg.finish()
        }
    })
    await publish(writer, topic, 'later')
    await waitFor(() => reader.deliveries.length >= 3, 8000,
                  () => `3 deliveries (got ${reader.deliveries.length})`)
    await sleep(300)
    assert.deepEqual(reader.deliveries.map((d) => `${d.body}#${d.attempts}`),
                     ['later#1', 'newer#1', 'later#2'])
    const delay = reader.deliveries[2].at - requeuedAt
    assert.ok(delay >= 1450 && delay <= 3500, `redelivered ${delay} ms after REQ 1500`)
    assertNoErrors(writer, reader)
    await closeReader(reader)
    await closeWriter(writer)
})

test('IDENTIFY msg_timeout 1000: an unanswered message comes back after ~1 s, attempts 2', T,
     async () => {
         const topic = uniqueName('timeout')
         // Hold the first delivery unanswered; FIN the second.
         const reader = await openScripted(topic, {maxInFlight: 2, messageTimeout: 1000},
                                           (msg, d) => {
                                               if (d.attempts > 1) msg.finish()
                                           })
         assert.equal(readerConnection(reader).msgTimeout, 1000,
                      'IDENTIFY response msg_timeout echoes the requested 1000 ms')
         const writer = await openWriter(env.nsqd)
         await publish(writer, topic, 'slow')
         await waitFor(() => reader.deliveries.length >= 2, 5000, 'redelivery after timeout')
         const [first, second] = reader.deliveries
         assert.deepEqual([first.attempts, second.attempts], [1, 2])
         assert.equal(second.msg.id, first.msg.id)
         const gap = second.at - first.at
         assert.ok(gap >= 950 && gap <= 2500, `timed out after ${gap} ms (msg_timeout 1000)`)
         await sleep(300)  // let the FIN of delivery 2 reach nsqd

         // The first delivery's id is no longer in flight: its FIN is refused, non-fatally.
         first.msg.finish()
         await waitFor(() => reader.errors.length > 0, 3000, 'E_FIN_FAILED for a stale FIN')
         assert.deepEqual(reader.errors.map((e) => e.message),
                          [`E_FIN_FAILED FIN ${first.msg.id} failed ID not in flight`])
         await publish(writer, topic, 'after stale FIN')
         await waitFor(() => reader.deliveries.length >= 3, 3000, 'connection still delivers')
         assert.equal(reader.deliveries[2].body, 'after stale FIN')
         reader.deliveries[2].msg.finish()
         assert.equal(reader.closedConnections, 0, 'E_FIN_FAILED does not close the connection')
         assertNoErrors(writer)
         await sleep(1500)
         assert.equal(reader.deliveries.length, 3, 'nothing else comes back')
         await closeReader(reader)
         await closeWriter(writer)
     })

test('touch() every 300 ms keeps a message past its 1 s msg timeout', T, async () => {
    const topic = uniqueName('touch')
    let touches = 0
    const reader = await openScripted(topic, {maxInFlight: 2, messageTimeout: 1000}, (msg) => {
        const timer = setInterval(() => {
            msg.touch()
            touches += 1
        }, 300)
        setTimeout(() => {
            clearInterval(timer)
            msg.finish()
        }, 3000)
    })
    const writer = await openWriter(env.nsqd)
    await publish(writer, topic, 'touch me')
    await waitFor(() => reader.deliveries.length >= 1, 5000, 'delivery')
    await sleep(3000 + 1500)  // held 3 s, then 1.5 × msg_timeout after the FIN
    assert.ok(touches >= 8, `touched ${touches} times`)
    assert.deepEqual(reader.deliveries.map((d) => `${d.body}#${d.attempts}`), ['touch me#1'],
                     'never redelivered: every TOUCH reset the timeout')
    // A FIN after a timeout would have been refused with E_FIN_FAILED.
    assertNoErrors(writer, reader)
    await closeReader(reader)
    await closeWriter(writer)
})

test('nsqd exits with status 0 on SIGTERM', T, async () => {
    await assertCleanShutdown(env, assert)
})
