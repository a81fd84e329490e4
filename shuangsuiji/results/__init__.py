"""Results and notices (pure): checking what a clerk records against the rounds, and the public notice.
"""
