#!/usr/bin/env python3
"""Bytes a page costs a phone: opens each URL in headless Chromium (through chromedriver) at
WIDTH CSS pixels and device pixel ratios 1, 2 and 3, and prints the page's and each resource's
encoded size (resource timing), and their total.

    python3 bench/transfer.py 360 http://127.0.0.1:8000/en/practices/river-water-testing/
"""
import json, sys, time, subprocess, urllib.request, os
def req(method, url, body=None):
    data = json.dumps(body).encode() if body is not None else None
    r = urllib.request.Request(url, data=data, method=method, headers={'Content-Type': 'application/json'})
    return json.load(urllib.request.urlopen(r))
port = 9600 + os.getpid() % 300
drv = subprocess.Popen(['chromedriver', f'--port={port}'], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
base = f'http://127.0.0.1:{port}'
for _ in range(50):
    try:
        s = req('POST', base + '/session', {'capabilities': {'alwaysMatch': {'goog:chromeOptions': {'binary': '/usr/bin/chromium', 'args': ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking']}}}}); break
    except Exception: time.sleep(0.1)
sess = base + '/session/' + s['value']['sessionId']
try:
    for url in sys.argv[2:]:
        for dpr in [1, 2, 3]:
            req('POST', sess + '/goog/cdp/execute', {'cmd': 'Network.setCacheDisabled', 'params': {'cacheDisabled': True}})
            req('POST', sess + '/goog/cdp/execute', {'cmd': 'Emulation.setDeviceMetricsOverride', 'params': {'width': int(sys.argv[1]), 'height': 740, 'deviceScaleFactor': dpr, 'mobile': True}})
            req('POST', sess + '/url', {'url': url}); time.sleep(1.5)
            r = req('POST', sess + '/execute/sync', {'script': "var n=performance.getEntriesByType('navigation')[0]; var rs=performance.getEntriesByType('resource'); return [n.encodedBodySize, rs.map(r=>[r.name.split('/').pop(), r.encodedBodySize])]", 'args': []})['value']
            total = r[0] + sum(x[1] for x in r[1])
            print(url.split('/')[-2], 'dpr', dpr, 'page', r[0], r[1], 'total', total)
finally:
    req('DELETE', sess); drv.kill()
