# SPDX-License-Identifier: BSD-2-Clause
#
# The corpus's scrapy spider (scraper): starts at the home page, follows
# every catalogue link and extracts each product's name and price, as a
# price-monitoring scraper would. Run by record.sh with
#   scrapy runspider spider.py -a start=URL -s DOWNLOAD_DELAY=...
# scrapy's own User-Agent ("Scrapy/VERSION (+https://scrapy.org)") is kept.

import scrapy


class CatalogueSpider(scrapy.Spider):
    name = "catalogue"
    custom_settings = {
        "ROBOTSTXT_OBEY": False,
        "LOG_LEVEL": "INFO",
        "TELNETCONSOLE_ENABLED": False,
    }

    def __init__(self, start=None, **kw):
        super().__init__(**kw)
        self.start_urls = [start]

    def parse(self, response):
        name = response.css("h1::text").get()
        price = response.xpath("//p[starts-with(., 'price')]/text()").get()
        if price:
            yield {"url": response.url, "name": name, "price": price}
        for href in response.css("a::attr(href)").getall():
            if "/catalogue/" in href:
                yield response.follow(href, self.parse)
