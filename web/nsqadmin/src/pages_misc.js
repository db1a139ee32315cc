// Counter (/counter) and Lookup (/lookup) pages.
/* global IS_ADMIN, NSQLOOKUPD */
import {html} from 'htm/preact'
import {useEffect, useRef, useState} from 'preact/hooks'

import {api, enc} from './api.js'
import {HistoryCharts} from './chart.js'
import {Banners, Link, Loaded, usePoll} from './components.js'
import {commafy, rate} from './format.js'

/** Total messages processed, polled with NSQ's growing back-off, and a live rate. */
export function CounterPage() {
    const [total, setTotal] = useState(null)
    const [shown, setShown] = useState(0)
    const [perSec, setPerSec] = useState(null)
    const [state, setState] = useState({message: '', error: null})
    const last = useRef(null)
    useEffect(() => {
        let wait = 100
        let timer
        let alive = true
        const poll = async () => {
            try {
                const d = await api('GET', '/api/counter')
                const sum = Object.values(d.stats || {}).reduce((a, s) => a + s.message_count, 0)
                const now = Date.now()
                if (last.current && now > last.current.at) {
                    setPerSec(Math.max(0, ((sum - last.current.sum) * 1000) / (now - last.current.at)))
                }
                last.current = {sum, at: now}
                setTotal(sum)
                setState({message: d.message, error: null})
                wait = Math.min(wait + 1000, 10100)
            } catch (e) {
                setState({message: '', error: e.message})
                wait = 10000
            }
            if (alive) timer = setTimeout(poll, wait)
        }
        poll()
        return () => {
            alive = false
            clearTimeout(timer)
        }
    }, [])
    // Animate increases (~60 fps) towards the latest total.
    useEffect(() => {
        if (total === null) return undefined
        let frame
        const step = () => {
            setShown((s) => {
                if (s >= total) return total
                const next = s + Math.max(1, Math.ceil((total - s) / 20))
                frame = requestAnimationFrame(step)
                return Math.min(next, total)
            })
        }
        frame = requestAnimationFrame(step)
        return () => cancelAnimationFrame(frame)
    }, [total])
    const digits = commafy(shown).split('')
    return html`<div class="counter-page">
        <${Banners} warning=${state.message} error=${state.error} />
        <div class="counter" data-testid="counter" data-total=${total === null ? '' : total}>
            ${digits.map((c, i) => html`<span key=${i} class=${c === ',' ? 'sep' : 'digit'}>${c}</span>`)}
        </div>
        <div class="counter-caption">Messages Processed</div>
        <div class="counter-rate" data-testid="counter-rate">${perSec === null ? '' : rate(perSec)}</div>
        <${HistoryCharts} query="" />
    </div>`
}

function CreateForm({onDone, onError}) {
    const [topic, setTopic] = useState('')
    const [channel, setChannel] = useState('')
    const submit = async (e) => {
        e.preventDefault()
        try {
            const res = await api('POST', '/api/topics', {topic, channel})
            if (res && res.message) onError(res.message)
            setTopic('')
            setChannel('')
            onDone()
        } catch (err) {
            onError(err.message)
        }
    }
    return html`<form class="create-form" onSubmit=${submit} data-testid="create-form">
        <h4>Create Topic/Channel</h4>
        <p class="help">Creating a topic or channel here registers it in nsqlookupd; consumers and
            producers pick it up on their next lookup. Leave the channel empty to create only the topic.</p>
        <input name="topic" placeholder="Topic Name" value=${topic} required
            onInput=${(e) => setTopic(e.target.value)} />
        <input name="channel" placeholder="Channel Name" value=${channel}
            onInput=${(e) => setChannel(e.target.value)} />
        <button class="btn btn-primary" type="submit">Create</button>
    </form>`
}

export function LookupPage() {
    const lookupds = Array.isArray(NSQLOOKUPD) ? NSQLOOKUPD : []
    const res = usePoll('/api/topics?inactive=true')
    const [err, setErr] = useState(null)
    if (lookupds.length === 0) {
        return html`<h2>Lookup</h2><div class="alert alert-warning">nsqadmin is not configured with nsqlookupd hosts</div>`
    }
    return html`<h2>Lookup</h2>
        <table class="table half"><thead><tr><th>nsqlookupd Host</th></tr></thead>
            <tbody>${lookupds.map((l) => html`<tr key=${l}><td>${l}</td></tr>`)}</tbody></table>
        <${Banners} error=${err} />
        <div class="alert alert-info">Below is a tree of Topics/Channels that are currently inactive
            (i.e. not produced on any nsqd in the cluster but are present in the lookup data)</div>
        <${Loaded} res=${res}>${(d) => {
            const topics = Object.keys(d.topics || {})
            if (topics.length === 0) return html`<div class="alert alert-warning">No inactive Topics</div>`
            return html`<ul class="tree" data-testid="inactive">${topics.map((t) => html`<li key=${t}>
                <${DeleteX} path=${`/api/topics/${enc(t)}`} reload=${res.reload} onError=${setErr} />
                <${Link} to=${`/topics/${enc(t)}`}>${t}<//>
                <ul>${d.topics[t].map((c) => html`<li key=${c}>
                    <${DeleteX} path=${`/api/topics/${enc(t)}/${enc(c)}`} reload=${res.reload} onError=${setErr} />
                    ${c}</li>`)}</ul></li>`)}</ul>`
        }}<//>
        ${typeof IS_ADMIN === 'undefined' || IS_ADMIN ? html`<${CreateForm} onDone=${res.reload} onError=${setErr} />` : null}`
}

/** The Lookup page's ✘ delete buttons act without confirmation (as NSQ's do). */
function DeleteX({path, reload, onError}) {
    const del = async () => {
        try {
            await api('DELETE', path)
            reload()
        } catch (e) {
            onError(e.message)
        }
    }
    return html`<button class="btn btn-link tombstone" title="delete" onClick=${del}>✘</button>`
}

