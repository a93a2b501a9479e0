-- wrk script for `api_load.py --throttle`: each request from one of many client addresses
-- (X-Forwarded-For, trusted with TRUSTED_PROXY_COUNT=1), so that the throttles count per
-- client as they would with real traffic instead of piling every request on one address.
math.randomseed(os.time())
request = function()
  wrk.headers["X-Forwarded-For"] = string.format(
    "10.%d.%d.%d", math.random(0, 255), math.random(0, 255), math.random(1, 254))
  return wrk.format()
end
