"""Code examples of the low-level SDK documentation, shared by the tests that run them."""

# The low-level API page (shared/reference/low-level-api.txt, "The cloudstorages/id/content
# REST API endpoint") as published: its text copy has lost the lines with only brackets,
# `continue`/`break` and the storage id; they are restored here from the published page.
DOC_EXAMPLE = '''
from pprint import pprint

from {package} import ApiClient, Configuration

next_token = None
files, prefixes = [], []
prefix = ""

with ApiClient(
    configuration=Configuration(host=BASE_URL, username=user, password=password)
) as api_client:
    while True:
        data, response = api_client.cloudstorages_api.retrieve_content_v2(
            cloud_storage_id,
            **({{"prefix": prefix}} if prefix else {{}}),
            **({{"next_token": next_token}} if next_token else {{}}),
        )
        # the data will have the following structure:
        # {{'content': [
        #     {{'mime_type': <image|video|archive|pdf|DIR>, 'name': <name>, 'type': <REG|DIR>}},
        # ],
        # 'next': <next_token_string|None>}}
        files.extend(
            [
                prefix + f["name"]
                for f in data["content"]
                if str(f["type"]) == "REG"
            ]
        )
        prefixes.extend(
            [
                prefix + f["name"]
                for f in data["content"]
                if str(f["type"]) == "DIR"
            ]
        )
        next_token = data["next"]
        if next_token:
            continue
        if not len(prefixes):
            break
        prefix = f"{{prefixes.pop()}}/"
    pprint(files) # ['sub/image_1.jpg', 'image_2.jpg']
'''
