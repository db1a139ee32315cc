// Streams pages: topic list (/), topic (/topics/:topic), channel (/topics/:topic/:channel).
/* global IS_ADMIN */
import {html} from 'htm/preact'
import {useState} from 'preact/hooks'

import {enc, encNode} from './api.js'
import {HistoryCharts} from './chart.js'
import {ActionButton, Banners, Link, Loaded, goTo, usePoll} from './components.js'
import {commafy, nanotohuman, nodeName, percentile} from './format.js'

const isAdmin = () => typeof IS_ADMIN === 'undefined' || IS_ADMIN

export function TopicsPage() {
    const res = usePoll('/api/topics')
    return html`
        <h2>Topics</h2>
        <${Loaded} res=${res}>${(d) =>
            !d.topics || d.topics.length === 0
                ? html`<div class="alert alert-warning">No Topics Found</div>`
                : html`<table class="table half" data-testid="topics">
                    <thead><tr><th>Topic</th></tr></thead>
                    <tbody>${d.topics.map((t) => html`<tr key=${t}><td>
                        <${Link} to=${`/topics/${enc(t)}`}>${t}<//></td></tr>`)}</tbody>
                  </table>`}<//>
        <${HistoryCharts} query="" />`
}

function quantiles(stats) {
    const e2e = stats && stats.e2e_processing_latency
    return (e2e && e2e.percentiles) || []
}

function E2eCells({stats, qs}) {
    const ps = quantiles(stats)
    return qs.map((q) => {
        const p = ps.find((x) => x.quantile === q.quantile)
        return html`<td title=${p ? `min: ${nanotohuman(p.min)}, max: ${nanotohuman(p.max)}` : ''}>
            ${p ? nanotohuman(p.average) : ''}</td>`
    })
}

const E2eHeaders = ({qs}) => qs.map((q) => html`<th>${percentile(q.quantile)}</th>`)
const Paused = ({on}) => (on ? html` <span class="label label-primary">paused</span>` : null)

/** Buttons for a topic or channel: empty, delete, pause/unpause (confirmation first). */
function AdminButtons({kind, name, path, paused, afterDelete, reload, onError}) {
    const label = kind === 'topic' ? 'Topic' : 'Channel'
    return html`<div class="actions">
        <${ActionButton} label="Empty Queue" kind="warning" action="empty" name=${name}
            request=${['POST', path, {action: 'empty'}]} after=${reload} onError=${onError} />
        <${ActionButton} label=${`Delete ${label}`} kind="danger" action="delete" name=${name}
            request=${['DELETE', path]} after=${afterDelete} onError=${onError} />
        ${paused
            ? html`<${ActionButton} label=${`UnPause ${label}`} kind="success" action="unpause" name=${name}
                request=${['POST', path, {action: 'unpause'}]} after=${reload} onError=${onError} />`
            : html`<${ActionButton} label=${`Pause ${label}`} kind="primary" action="pause" name=${name}
                request=${['POST', path, {action: 'pause'}]} after=${reload} onError=${onError} />`}
    </div>`
}

export function TopicPage({topic}) {
    const res = usePoll(`/api/topics/${enc(topic)}`)
    const [actionError, setActionError] = useState(null)
    return html`
        <ol class="breadcrumb"><li><${Link} to="/">Streams<//></li><li>${topic}</li></ol>
        <blockquote>Topic: <strong>${topic}</strong></blockquote>
        <${Banners} error=${actionError} />
        <${Loaded} res=${res}>${(t) => html`
            ${isAdmin() && (t.nodes || []).length > 0
                ? html`<${AdminButtons} kind="topic" name=${topic} path=${`/api/topics/${enc(topic)}`}
                    paused=${t.paused} reload=${res.reload} afterDelete=${goTo('/')}
                    onError=${setActionError} />`
                : null}
            <${TopicNodes} t=${t} topic=${topic} reload=${res.reload} onError=${setActionError} />
            <${HistoryCharts} query=${`topic=${enc(topic)}`} />
            <${TopicChannels} t=${t} topic=${topic} />`}<//>`
}

function TopicNodes({t, topic, reload, onError}) {
    const qs = quantiles(t)
    const nodes = t.nodes || []
    if (nodes.length === 0) {
        return html`<div class="alert alert-warning">No producers exist for this topic. See
            <${Link} to="/lookup">Lookup<//> for more information.</div>`
    }
    return html`<h4>Topic Message Queue</h4>
    <div class="table-wrap"><table class="table" data-testid="topic-nodes">
        <thead>
            ${qs.length ? html`<tr><th colspan="5"></th><th colspan=${qs.length}>E2E Processing Latency</th></tr>` : null}
            <tr><th>NSQd Host</th><th>Depth</th><th>Memory + Disk</th><th>Messages</th><th>Channels</th>
            <${E2eHeaders} qs=${qs} /></tr>
        </thead>
        <tbody>
            ${nodes.map((n) => html`<tr key=${n.node}>
                <td>${isAdmin() ? html`<${ActionButton} label="✘" kind="link tombstone" action="tombstone"
                        name=${n.node} title="tombstone this topic on this node"
                        request=${['DELETE', `/api/nodes/${encNode(n.node)}`, {topic}]} after=${reload}
                        onError=${onError} />` : null}
                    <${Link} to=${`/nodes/${encNode(n.node)}`}>${nodeName(n.hostname, n.node)}<//>
                    <${Paused} on=${n.paused} /></td>
                <td>${commafy(n.depth)}</td>
                <td>${commafy(n.memory_depth)} + ${commafy(n.backend_depth)}</td>
                <td>${commafy(n.message_count)}</td>
                <td>${(n.channels || []).length}</td>
                <${E2eCells} stats=${n} qs=${qs} />
            </tr>`)}
            <tr class="total"><td>Total:</td><td>${commafy(t.depth)}</td>
                <td>${commafy(t.memory_depth)} + ${commafy(t.backend_depth)}</td>
                <td>${commafy(t.message_count)}</td><td>${(t.channels || []).length}</td>
                <${E2eCells} stats=${t} qs=${qs} /></tr>
        </tbody>
    </table></div>`
}

function TopicChannels({t, topic}) {
    const channels = t.channels || []
    const qs = quantiles(t)
    if (channels.length === 0) {
        return html`<div class="alert alert-info">No channels exist for this topic. Messages will
            queue at the topic until a channel is created.</div>`
    }
    return html`<h4>Channel Message Queues</h4>
    <div class="table-wrap"><table class="table" data-testid="topic-channels">
        <thead><tr><th>Channel</th><th>Depth</th><th>Memory + Disk</th><th>In-Flight</th>
            <th>Deferred</th><th>Requeued</th><th>Timed Out</th><th>Messages</th><th>Connections</th>
            <${E2eHeaders} qs=${qs} /></tr></thead>
        <tbody>${channels.map((c) => html`<tr key=${c.channel_name}>
            <td><${Link} to=${`/topics/${enc(topic)}/${enc(c.channel_name)}`}>${c.channel_name}<//>
                <${Paused} on=${c.paused} /></td>
            <td>${commafy(c.depth)}</td><td>${commafy(c.memory_depth)} + ${commafy(c.backend_depth)}</td>
            <td>${commafy(c.in_flight_count)}</td><td>${commafy(c.deferred_count)}</td>
            <td>${commafy(c.requeue_count)}</td><td>${commafy(c.timeout_count)}</td>
            <td>${commafy(c.message_count)}</td><td>${commafy(c.client_count)}</td>
            <${E2eCells} stats=${c} qs=${qs} />
        </tr>`)}</tbody>
    </table></div>`
}

const ChannelRow = ({label, c, qs}) => html`
    <td>${commafy(c.depth)}</td><td>${commafy(c.memory_depth)} + ${commafy(c.backend_depth)}</td>
    <td>${commafy(c.in_flight_count)}</td><td>${commafy(c.deferred_count)}</td>
    <td>${commafy(c.requeue_count)}</td><td>${commafy(c.timeout_count)}</td>
    <td>${commafy(c.message_count)}</td><td>${commafy(c.client_count)}</td>
    <${E2eCells} stats=${c} qs=${qs} />`

export function ChannelPage({topic, channel}) {
    const res = usePoll(`/api/topics/${enc(topic)}/${enc(channel)}`)
    const [actionError, setActionError] = useState(null)
    const path = `/api/topics/${enc(topic)}/${enc(channel)}`
    return html`
        <ol class="breadcrumb"><li><${Link} to="/">Streams<//></li>
            <li><${Link} to=${`/topics/${enc(topic)}`}>${topic}<//></li><li>${channel}</li></ol>
        <blockquote>Topic: <strong>${topic}</strong><br />Channel: <strong>${channel}</strong></blockquote>
        <${Banners} error=${actionError} />
        <${Loaded} res=${res}>${(c) => {
            if (!c.nodes) return html`<div class="alert alert-warning">Channel not found on any node.</div>`
            const qs = quantiles(c)
            return html`
                ${isAdmin() ? html`<${AdminButtons} kind="channel" name=${`${topic}/${channel}`} path=${path}
                    paused=${c.paused} reload=${res.reload} afterDelete=${goTo(`/topics/${enc(topic)}`)}
                    onError=${setActionError} />` : null}
                <div class="table-wrap"><table class="table" data-testid="channel-nodes">
                    <thead>
                        <tr><th></th><th colspan="4">Message Queues</th><th colspan="4">Statistics</th>
                            ${qs.length ? html`<th colspan=${qs.length}>E2E Processing Latency</th>` : null}</tr>
                        <tr><th>NSQd Host</th><th>Depth</th><th>Memory + Disk</th><th>In-Flight</th>
                            <th>Deferred</th><th>Requeued</th><th>Timed Out</th><th>Messages</th>
                            <th>Connections</th><${E2eHeaders} qs=${qs} /></tr>
                    </thead>
                    <tbody>
                        ${c.nodes.map((n) => html`<tr key=${n.node}><td>
                            <${Link} to=${`/nodes/${encNode(n.node)}`}>${nodeName(n.hostname, n.node)}<//>
                            <${Paused} on=${n.paused} /></td><${ChannelRow} c=${n} qs=${qs} /></tr>`)}
                        <tr class="total"><td>Total:</td><${ChannelRow} c=${c} qs=${qs} /></tr>
                    </tbody>
                </table></div>
                <${HistoryCharts} query=${`topic=${enc(topic)}&channel=${enc(channel)}`} inFlight=${true} />
                <${Clients} clients=${c.clients || []} />`
        }}<//>`
}

function attributes(c) {
    const out = []
    if (c.sample_rate > 0) out.push(html`<span class="label label-info">Sampled ${c.sample_rate}%</span>`)
    if (c.tls) {
        out.push(html`<span class="label label-warning"
            title=${`${c.tls_version} ${c.tls_cipher_suite} ${c.tls_negotiated_protocol}`}>TLS</span>`)
    }
    if (c.deflate) out.push(html`<span class="label label-default">Deflate</span>`)
    if (c.snappy) out.push(html`<span class="label label-primary">Snappy</span>`)
    if (c.authed) {
        out.push(c.auth_identity_url
            ? html`<a href=${c.auth_identity_url} title=${c.auth_identity}>👤</a>`
            : html`<span title=${c.auth_identity}>👤</span>`)
    }
    return out
}

function clientHost(c) {
    const port = c.remote_address.slice(c.remote_address.lastIndexOf(':') + 1)
    const first = c.hostname.split('.')[0]
    const id = c.client_id && c.client_id !== c.hostname && c.client_id !== first ? ` (${c.client_id})` : ''
    return `${c.hostname}:${port}${id}`
}

export function Clients({clients, showNode = true}) {
    if (clients.length === 0) {
        return html`<div class="alert alert-warning">No clients connected to this channel</div>`
    }
    return html`<h4>Client Connections</h4>
    <div class="table-wrap"><table class="table" data-testid="clients">
        <thead><tr><th>Client Host</th><th>User-Agent</th><th>Attributes</th>
            ${showNode ? html`<th>NSQd Host</th>` : null}<th>In-Flight</th><th>Ready Count</th>
            <th>Finished</th><th>Requeued</th><th>Messages</th><th>Connected</th></tr></thead>
        <tbody>${clients.map((c) => html`<tr key=${c.node + c.remote_address}>
            <td title=${c.remote_address}>${clientHost(c)}</td><td>${c.user_agent}</td>
            <td>${attributes(c)}</td>
            ${showNode ? html`<td><${Link} to=${`/nodes/${encNode(c.node)}`}>${c.node}<//></td>` : null}
            <td>${commafy(c.in_flight_count)}</td><td>${commafy(c.ready_count)}</td>
            <td>${commafy(c.finish_count)}</td><td>${commafy(c.requeue_count)}</td>
            <td>${commafy(c.message_count)}</td><td>${nanotohuman(c.connected)}</td>
        </tr>`)}</tbody>
    </table></div>`
}
