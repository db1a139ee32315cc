// nsqjs with `authSecret` against our nsqd with --auth-http-address (spec §3.3): nsqjs sends
// AUTH after IDENTIFY (auth_required), publishes and subscribes where the auth server allows
// it, and gets E_UNAUTHORIZED where it does not. The auth server is a node:http server here.
import assert from 'node:assert/strict'
import http from 'node:http'
import {after, before, test} from 'node:test'

import {
    assertCleanShutdown, closeReader, closeWriter, openCollector, openWriter, publish, uniqueName,
    useNsqd, waitFor,
} from './lib/harness.mjs'

const T = {timeout: 20000}
const requests = []

// Secret "good": publish to ^allowed_ topics, subscribe to channel "ch" of them.
const authServer = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1')
    requests.push({path: url.pathname, query: Object.fromEntries(url.searchParams)})
    const body = url.searchParams.get('secret') === 'good' ? {
        ttl: 3600,
        identity: 'nsqjs-user',
        identity_url: 'https://example.invalid/nsqjs-user',
        authorizations: [
            {topic: '^allowed_', channels: ['.*'], permissions: ['publish']},
            {topic: '^allowed_', channels: ['^ch$'], permissions: ['subscribe']},
        ],
    } : {ttl: 3600, authorizations: []}
    res.writeHead(200, {'Content-Type': 'application/json'})
    res.end(JSON.stringify(body))
})
await new Promise((resolve) => authServer.listen(0, '127.0.0.1', resolve))
authServer.unref()
const authAddress = `127.0.0.1:${authServer.address().port}`

const env = useNsqd({before, after}, [`--auth-http-address=${authAddress}`])
after(() => authServer.close())

test('nsqjs Writer and Reader with authSecret publish and consume an allowed topic', T,
     async () => {
         const topic = uniqueName('allowed')
         const reader = await openCollector(env.nsqd, topic, 'ch', {authSecret: 'good'})
         const writer = await openWriter(env.nsqd, {authSecret: 'good'})
         await publish(writer, topic, 'secret message')
         await waitFor(() => reader.received.length >= 1, 5000, 'one delivery')
         assert.equal(reader.received[0].body, 'secret message')

         const last = requests[requests.length - 1]
         assert.equal(last.path, '/auth')
         assert.deepEqual(last.query,
                          {common_name: '', remote_ip: '127.0.0.1', secret: 'good', tls: 'false'})
         assert.deepEqual(writer.errors.map(String), [])
         await closeReader(reader)
         await closeWriter(writer)
     })

test('publishing to a topic the auth server does not allow fails with E_UNAUTHORIZED', T,
     async () => {
         const writer = await openWriter(env.nsqd, {authSecret: 'good'})
         const topic = uniqueName('denied')
         await assert.rejects(publish(writer, topic, 'x'),
                              {message: `E_UNAUTHORIZED AUTH failed for PUB on "${topic}" ""`})
         await closeWriter(writer)
     })

test('/stats shows the identity of an authenticated producer', T, async () => {
    const writer = await openWriter(env.nsqd, {authSecret: 'good'})
    await publish(writer, uniqueName('allowed'), 'x')
    const res = await fetch(`http://127.0.0.1:${env.nsqd.httpPort}/stats?format=json`)
    const stats = await res.json()
    const producer = stats.producers.find((p) => p.auth_identity === 'nsqjs-user')
    assert.ok(producer, `an authed producer in ${JSON.stringify(stats.producers)}`)
    assert.equal(producer.authed, true)
    assert.equal(producer.auth_identity_url, 'https://example.invalid/nsqjs-user')
    await closeWriter(writer)
})

test('nsqd exits with status 0 on SIGTERM', T, async () => {
    await assertCleanShutdown(env, assert)
})
