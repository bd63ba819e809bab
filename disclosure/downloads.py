from django.http import FileResponse

from disclosure.models import Attachment
from portal.files import file_response


def attachment_response(attachment: Attachment) -> FileResponse:
    return file_response(attachment)
