// Every nsqadmin page renders the real cluster's data (nsqlookupd + 2 nsqd + nsqadmin
// binaries) in Debian's chromium; a screenshot of each page is saved.
import assert from 'node:assert/strict'
import {after, before, describe, test} from 'node:test'

import {expectCount, launch, newPage, screenshot} from './lib/browser.mjs'
import {Cluster, httpJSON, subscribe, waitFor} from './lib/cluster.mjs'

describe('nsqadmin pages', () => {
    let cluster, browser, page, consumer
    before(async () => {
        cluster = await Cluster.start()
        await cluster.createChannel(0, 'orders', 'billing')
        await cluster.createChannel(1, 'orders', 'billing')
        await cluster.publish(0, 'orders', 3)
        await cluster.publish(1, 'orders', 2)
        await cluster.publish(1, 'clicks', 4)
        consumer = await subscribe(cluster.nsqds[0].tcpPort, 'orders', 'billing', 1)
        await httpJSON(cluster.lookupdHttp, 'POST', '/channel/create?topic=dormant&channel=old')
        browser = await launch()
        page = await newPage(browser)
    })
    after(async () => {
        consumer?.close()
        await browser?.close()
        if (cluster) {
            if (process.exitCode) process.stderr.write(cluster.logs())
            await cluster.stop()
        }
    })

    test('topics list', async () => {
        await page.goto(cluster.adminUrl('/'))
        const table = page.getByTestId('topics')
        await table.getByText('orders').waitFor()
        assert.deepEqual(await table.locator('tbody td').allTextContents(), ['clicks', 'dormant', 'orders'])
        await screenshot(page, 'topics')
    })

    test('topic page: per-node rows, totals and channels', async () => {
        await page.getByTestId('topics').getByText('orders').click()
        await page.waitForURL(/\/topics\/orders$/)
        const nodes = page.getByTestId('topic-nodes')
        await nodes.waitFor()
        const rows = nodes.locator('tbody tr')
        await expectCount(rows, 3)  // 2 nsqd + Total
        const body = await nodes.textContent()
        for (const d of cluster.nsqds) assert.match(body, new RegExp(d.id.replace(/\./g, '\\.')))
        const total = await rows.last().locator('td').allTextContents()
        assert.equal(total[0], 'Total:')
        assert.equal(total[3], '5')  // messages over both nodes
        const channels = page.getByTestId('topic-channels')
        assert.match(await channels.textContent(), /billing/)
        // The live charts draw nsqadmin's polled history (a line once there are samples).
        await page.getByTestId('chart-depth').locator('polyline').waitFor({state: 'attached'})
        await waitFor(async () => Number(await page.getByTestId('chart-depth').getAttribute('data-samples')) >= 2,
            15000, 'two history samples in the depth chart')
        await screenshot(page, 'topic')
    })

    test('channel page: client connections', async () => {
        await page.getByTestId('topic-channels').getByText('billing').click()
        await page.waitForURL(/\/topics\/orders\/billing$/)
        const clients = page.getByTestId('clients')
        await clients.waitFor()
        const text = await clients.textContent()
        assert.match(text, /browser-host/)
        assert.match(text, /nsqpp-browser-test\/1\.0/)
        assert.match(text, new RegExp(cluster.nsqds[0].id.replace(/\./g, '\\.')))
        const total = await page.getByTestId('channel-nodes').locator('tr.total td').allTextContents()
        assert.equal(total[1], '4')  // depth 5 minus the in-flight one
        assert.equal(total[3], '1')  // in-flight
        await screenshot(page, 'channel')
    })

    test('nodes page and node page', async () => {
        await page.getByRole('link', {name: 'Nodes', exact: true}).click()
        const nodes = page.getByTestId('nodes')
        await nodes.waitFor()
        await expectCount(nodes.locator('tbody tr'), 2)
        assert.match(await page.locator('h2').textContent(), /NSQd Nodes \(2\)/)
        await screenshot(page, 'nodes')
        const port = String(cluster.nsqds[1].httpPort)
        await nodes.locator('tbody tr', {hasText: port}).getByRole('link', {name: '127.0.0.1'}).click()
        await page.waitForURL(new RegExp(`/nodes/127\\.0\\.0\\.1:${port}$`))
        const summary = page.getByTestId('node-summary')
        await summary.waitFor()
        assert.match(await summary.textContent(), /2\s*Topics,\s*6\s*Messages,\s*0\s*Clients/)
        await screenshot(page, 'node')
    })

    test('counter page shows the total of processed messages', async () => {
        await page.getByRole('link', {name: 'Counter', exact: true}).click()
        const counter = page.getByTestId('counter')
        // orders/billing has 5 messages (3 + 2); clicks has no channel, so nothing counted there.
        await waitFor(async () => (await counter.getAttribute('data-total')) === '5', 15000, 'counter total 5')
        await waitFor(async () => (await counter.textContent()) === '5', 15000, 'animated counter shows 5')
        await screenshot(page, 'counter')
    })

    test('lookup page: inactive topics and the create form', async () => {
        await page.getByRole('link', {name: 'Lookup', exact: true}).click()
        const inactive = page.getByTestId('inactive')
        await inactive.waitFor()
        assert.match(await inactive.textContent(), /dormant/)
        assert.match(await inactive.textContent(), /old/)
        await screenshot(page, 'lookup')
        const form = page.getByTestId('create-form')
        await form.locator('input[name=topic]').fill('created_in_ui')
        await form.locator('input[name=channel]').fill('chan_ui')
        await form.getByRole('button', {name: 'Create'}).click()
        await waitFor(async () => (await httpJSON(cluster.lookupdHttp, 'GET', '/topics')).json.topics.includes('created_in_ui'),
            10000, 'lookupd has the topic created in the UI')
        // nsqadmin creates the topic, then the channel: the channel may register a moment later.
        let channels = []
        await waitFor(async () => {
            channels = (await httpJSON(cluster.lookupdHttp, 'GET', '/channels?topic=created_in_ui')).json.channels
            return channels.length > 0
        }, 10000, 'lookupd has the channel created in the UI')
        assert.deepEqual(channels, ['chan_ui'])
        await inactive.getByText('created_in_ui').waitFor()
    })

    test('phone viewport: readable pages with a collapsed menu', async () => {
        const phone = await newPage(browser, {width: 390, height: 844})
        await phone.goto(cluster.adminUrl('/topics/orders'))
        await phone.getByTestId('topic-nodes').waitFor()
        await phone.getByTestId('chart-depth').waitFor()
        assert.equal(await phone.getByRole('link', {name: 'Nodes', exact: true}).isVisible(), false)
        await phone.getByRole('button', {name: 'menu'}).click()
        assert.equal(await phone.getByRole('link', {name: 'Nodes', exact: true}).isVisible(), true)
        // No horizontal scrolling of the page itself: wide tables scroll inside their wrapper.
        const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
        assert.ok(overflow <= 1, `page overflows horizontally by ${overflow}px`)
        await screenshot(phone, 'topic-phone')
        assert.deepEqual(phone.errors, [])
        await phone.context().close()
    })

    test('base path: every link and API call stays under it', async () => {
        const admin = await Cluster.startAdmin([`--lookupd-http-address=127.0.0.1:${cluster.lookupdHttp}`,
                                                '--base-path=/admin'])
        try {
            const p = await newPage(browser)
            await p.goto(admin.adminUrl('/admin'))
            await p.getByTestId('topics').getByText('orders').click()
            await p.waitForURL(admin.adminUrl('/admin/topics/orders'))
            await p.getByTestId('topic-nodes').waitFor()
            await p.getByRole('link', {name: 'Nodes', exact: true}).click()
            await p.waitForURL(admin.adminUrl('/admin/nodes'))
            await expectCount(p.getByTestId('nodes').locator('tbody tr'), 2)
            await p.reload()  // deep link served by the server
            await p.getByTestId('nodes').waitFor()
            assert.deepEqual(p.errors, [])
            await p.context().close()
        } finally {
            await admin.stop()
        }
    })

    test('no script errors on any page', () => {
        assert.deepEqual(page.errors, [])
    })
})
