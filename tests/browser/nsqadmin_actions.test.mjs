// Admin actions through the UI change the real cluster (checked with nsqd's /stats), and an
// nsqd that goes down shows as a warning while the page keeps working.
import assert from 'node:assert/strict'
import {after, before, describe, test} from 'node:test'

import {expectCount, launch, newPage, screenshot} from './lib/browser.mjs'
import {Cluster, httpJSON, waitFor} from './lib/cluster.mjs'

async function confirm(page, buttonName) {
    await page.getByRole('button', {name: buttonName, exact: true}).click()
    const dialog = page.getByRole('dialog')
    await dialog.waitFor()
    assert.match(await dialog.textContent(), /Are you sure you want to/)
    await page.getByTestId('confirm').click()
}

describe('nsqadmin actions', () => {
    let cluster, browser, page
    before(async () => {
        cluster = await Cluster.start()
        for (const i of [0, 1]) {
            await cluster.createChannel(i, 'jobs', 'workers')
            await cluster.createChannel(i, 'jobs', 'audit')
            await cluster.publish(i, 'jobs', 2)
        }
        await cluster.publish(0, 'doomed', 1)
        browser = await launch()
        page = await newPage(browser)
    })
    after(async () => {
        await browser?.close()
        if (cluster) {
            if (process.exitCode) process.stderr.write(cluster.logs())
            await cluster.stop()
        }
    })

    test('pause and unpause a topic on every node', async () => {
        await page.goto(cluster.adminUrl('/topics/jobs'))
        await page.getByTestId('topic-nodes').waitFor()
        // Cancel does nothing.
        await page.getByRole('button', {name: 'Pause Topic'}).click()
        await page.getByRole('button', {name: 'Cancel'}).click()
        assert.equal((await cluster.nsqdTopic(0, 'jobs')).paused, false)

        await confirm(page, 'Pause Topic')
        await waitFor(async () => (await cluster.nsqdTopic(0, 'jobs')).paused &&
                                  (await cluster.nsqdTopic(1, 'jobs')).paused, 10000, 'topic paused on both nsqd')
        await page.getByRole('button', {name: 'UnPause Topic'}).waitFor()
        await screenshot(page, 'topic-paused')
        await confirm(page, 'UnPause Topic')
        await waitFor(async () => !(await cluster.nsqdTopic(0, 'jobs')).paused &&
                                  !(await cluster.nsqdTopic(1, 'jobs')).paused, 10000, 'topic unpaused')
    })

    test('empty a channel', async () => {
        assert.equal((await cluster.nsqdChannel(0, 'jobs', 'workers')).depth, 2)
        await page.goto(cluster.adminUrl('/topics/jobs/workers'))
        await page.getByTestId('channel-nodes').waitFor()
        await confirm(page, 'Empty Queue')
        await waitFor(async () => (await cluster.nsqdChannel(0, 'jobs', 'workers')).depth === 0 &&
                                  (await cluster.nsqdChannel(1, 'jobs', 'workers')).depth === 0, 10000, 'channel emptied')
        assert.equal((await cluster.nsqdChannel(0, 'jobs', 'audit')).depth, 2)  // other channel untouched
    })

    test('delete a channel, then land on its topic page', async () => {
        await page.goto(cluster.adminUrl('/topics/jobs/audit'))
        await page.getByTestId('channel-nodes').waitFor()
        await confirm(page, 'Delete Channel')
        await page.waitForURL(/\/topics\/jobs$/)
        await waitFor(async () => (await cluster.nsqdChannel(0, 'jobs', 'audit')) === null &&
                                  (await cluster.nsqdChannel(1, 'jobs', 'audit')) === null, 10000, 'channel deleted')
    })

    test('delete a topic, then land on the topic list', async () => {
        await page.goto(cluster.adminUrl('/topics/doomed'))
        await page.getByTestId('topic-nodes').waitFor()
        await confirm(page, 'Delete Topic')
        await page.waitForURL(cluster.adminUrl('/'))
        await waitFor(async () => (await cluster.nsqdTopic(0, 'doomed')) === null, 10000, 'topic deleted on nsqd')
        await waitFor(async () => !(await httpJSON(cluster.lookupdHttp, 'GET', '/topics')).json.topics.includes('doomed'),
            10000, 'topic deleted in lookupd')
        await page.getByTestId('topics').getByText('jobs').waitFor()
        await expectCount(page.getByTestId('topics').getByText('doomed'), 0)
    })

    test('an nsqd that is down is shown as a warning; the page still renders', async () => {
        // nsqd mode so the stopped node stays configured (lookupd would just forget it).
        const admin2 = await Cluster.startAdmin(cluster.nsqds.map((d) => `--nsqd-http-address=${d.id}`))
        try {
            const down = cluster.nsqds[1]
            await down.stop()
            const p = await newPage(browser)
            await p.goto(admin2.adminUrl('/nodes'))
            const warning = p.getByTestId('warning')
            await warning.waitFor()
            assert.match(await warning.textContent(), new RegExp(`WARNING: .*${down.httpPort}`))
            await expectCount(p.getByTestId('nodes').locator('tbody tr'), 1)
            await screenshot(p, 'nodes-error')
            await p.goto(admin2.adminUrl('/topics/jobs'))
            await p.getByTestId('topic-nodes').waitFor()
            assert.match(await p.getByTestId('warning').textContent(), /WARNING: /)
            await expectCount(p.getByTestId('topic-nodes').locator('tbody tr'), 2)  // 1 node + Total
            assert.deepEqual(p.errors, [])
            await p.context().close()
        } finally {
            await admin2.stop()
        }
    })

    test('no script errors', () => {
        assert.deepEqual(page.errors, [])
    })
})
